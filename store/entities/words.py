"""Closed-class word lists for the entity rules: demonyms, titles, organisation and event words.

These are small, hand-kept lists of kinds of words that data packages do not hold (or hold
poorly): nationality adjectives, job titles, the words that end an organisation's or an
event's name, and the capitalised function words that start sentences.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _with_plurals(text: str) -> frozenset[str]:
    words = text.split()
    return frozenset(words) | frozenset(w + "s" for w in words if w.endswith(("an", "i", "ic")))


# Nationalities and peoples (adjectives; "-an", "-i" and "-ic" ones also get a plural).
DEMONYMS = _with_plurals(
    """Afghan Albanian Algerian American Andorran Angolan Argentine Argentinian Armenian
    Australian Austrian Azerbaijani Azeri Bahraini Bangladeshi Belarusian Belgian Bolivian
    Bosnian Brazilian British Bulgarian Burmese Burundian Cambodian Cameroonian Canadian
    Chadian Chilean Chinese Colombian Congolese Croatian Cuban Cypriot Czech Danish Dutch
    Ecuadorean Ecuadorian Egyptian English Eritrean Estonian Ethiopian European Filipino
    Finnish French Gabonese Georgian German Ghanaian Greek Guatemalan Guinean Haitian
    Honduran Hungarian Icelandic Indian Indonesian Iranian Iraqi Irish Israeli Italian
    Ivorian Jamaican Japanese Jordanian Kazakh Kenyan Korean Kosovar Kuwaiti Kyrgyz Lao
    Latvian Lebanese Liberian Libyan Lithuanian Luxembourg Macedonian Malagasy Malawian
    Malaysian Malian Maltese Mauritanian Mexican Moldovan Mongolian Montenegrin Moroccan
    Mozambican Namibian Nepalese Nepali Nicaraguan Nigerian Nigerien Norwegian Omani
    Pakistani Palestinian Panamanian Paraguayan Peruvian Philippine Polish Portuguese Qatari
    Romanian Russian Rwandan Salvadoran Saudi Scottish Senegalese Serb Serbian
    Singaporean Slovak Slovakian Slovene Slovenian Somali Somalian Spanish Sudanese
    Swazi Swedish Swiss Syrian Taiwanese Tajik Tanzanian Thai Tibetan Togolese Tunisian
    Turkish Turkmen Ugandan Ukrainian Uruguayan Uzbek Venezuelan Vietnamese Welsh Yemeni
    Yugoslav Yugoslavian Zambian Zimbabwean Arab Arabian Asian African Caribbean Latin
    Nordic Scandinavian Balkan Baltic Slav Slavic Celtic Anglo Emirati Briton Brit Scot
    Dane Finn Swede Pole Turk Kurd Kurdish Pashtun Tamil Sikh Hindu Muslim Moslem Islamic
    Christian Catholic Protestant Orthodox Anglican Jewish Jew Buddhist Shi'ite Shiite
    Sunni Hutu Tutsi Basque Catalan Corsican Flemish Walloon Bavarian Chechen Gypsy Roma
    Maori Aboriginal Hispanic Soviet Western Westerner Eastern Communist Marxist Republican
    Democrat Democratic Conservative Liberal Socialist Nazi Zionist Islamist Jihadist
    Hebrew Arabic English Mandarin Cantonese Persian Farsi Urdu Hindi Bengali Swahili
    Yoruba Zulu Olympic Paralympic Christmas Easter Ramadan Koran Bible Internet"""
)
DEMONYM_PHRASES = frozenset(
    ["West Indian", "West Indians", "South African", "South Africans", "North Korean",
     "South Korean", "New Zealander", "New Zealanders", "Sri Lankan", "Sri Lankans",
     "Saudi Arabian", "Costa Rican", "Puerto Rican", "Bosnian Serb", "Bosnian Serbs",
     "Bosnian Croat", "Bosnian Moslem", "Latin American", "North American",
     "South American", "Middle Eastern", "East European", "West European", "Gulf Arab"]
)  # fmt: skip

# Capitalised words that are never a name by themselves: function words, pronouns, common
# sentence openers, weekdays and months (dates are found separately).
FUNCTION_CAPITALS = _words(
    """A An The This That These Those There Here Then Now Thus So Yet But And Or Nor If
    Unless Although Though While Whilst When Whenever Where Wherever Why How What Which Who
    Whom Whose I Me My Mine We Us Our He Him His She Her It Its They Them Their You Your In
    On At As By For From Of To With Without Within Under Over After Before During Since
    Until Between Among Against About Above Below Into Onto Upon Through Throughout Across
    Along Around Behind Beyond Despite Except Inside Outside Near Per Via Also Still Even
    Just Only Not No Yes All Any Some Many Much More Most Few Several Such Each Every Both
    Either Neither Other Another Other Same Meanwhile However Moreover Furthermore Therefore
    Instead Otherwise Indeed Later Earlier Last Next First Second Third Finally Overall
    Asked According Analysts Officials Police Sources Witnesses Residents Shares Prices
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Mr Mrs Ms Mr. Mrs. Ms. Dr.
    Dr Sir Lord Lady Photo Reuters Page Update Note Editing Reporting Writing Source
    Total Net Results Result Attendance Scorers Scorer Teams Goals Team Group Standings
    Division Half-time Halftime Season Week Round Top Final Leading Provisional Estimated
    Today Tomorrow Yesterday Tonight Former Ex One Two Three Four Five Six Seven Eight Nine Ten
    Please Thank Thanks Well Oh Let Like Very Too"""
)

# Words that make the run they end into an organisation's name.
ORG_WORDS = _words(
    """Authority Authorities Press Agency Ministry Department Dept Council Party Union
    Organization Organisation Association Committee Company Co Co. Corp Corp. Corporation
    Inc Inc. Ltd Ltd. Plc PLC LLC AG SA NV AB BV GmbH Group Holdings Holding Court Police
    Army Forces Force Navy Institute University College Foundation Commission Office
    Service Services Fund Federation League Movement Brigades Front Times Post News Network
    Airlines Airways Air Club United Rovers Athletic Athletico Wanderers Albion Hotspur
    Bank Bancorp Exchange Board Bureau Assembly Parliament Congress Senate Cabinet Government
    Administration Church Mission Alliance Coalition Society Academy School Institute
    Institution Trust Securities Capital Partners Investments Industries Industry
    Enterprises Motors Systems Technologies Technology Communications Telecom Energy Oil
    Petroleum Gas Resources Mining Steel Chemicals Pharmaceuticals Electric Electronics
    Insurance Financial Finance Brothers Bros Associates Consulting Media Broadcasting
    Television Radio Herald Journal Tribune Gazette Magazine Daily Telegraph Guardian Review
    Express Mirror Chronicle Courier Monitor Channel Records Studios Pictures Entertainment
    Stores Markets Supermarkets Foods Airport Hospital Prison Council Chamber Tribunal
    Commissioners Directorate Secretariat Inspectorate Guard Guards Corps Regiment Division
    Battalion Militia Rebels Commandos Mujahideen Taleban Taliban Cricket Rugby Football
    Soccer Baseball Hockey Basketball Sports Sport Racing Team Squad Orchestra Symphony
    Opera Ballet Band Choir Fellowship Federal Reserve Treasury Commerce Exchequer NASA"""
)
# Well-known organisations that no word of their own names as one.
KNOWN_ORGS = _words(
    """Hamas Hezbollah Fatah NATO UN UNICEF UNRWA UNESCO WHO WTO EU AP Reuters AFP BBC CNN
    IDF Knesset Kremlin Pentagon Google Apple Microsoft Amazon Meta OPEC IMF Interpol
    Congress Parliament Senate Taleban Taliban Al-Qaeda Qaeda"""
)
# Words that make the run they end into the name of an event, a prize or a work.
MISC_WORDS = _words(
    """Cup Open Championship Championships Games Olympics Olympiad Prix Award Awards Prize
    Trophy Festival War Wars Act Treaty Accord Accords Agreement Convention Protocol Plan
    Summit Conference Congress Series Tour Marathon Rally Classic Masters Derby Bowl Grand
    Index Dow Nikkei Hang Seng Average Bible Koran Declaration Doctrine Charter Revolution
    Crusade Intifada Prize Medal Oscar Oscars Grammy Emmy Show Album Symphony Day Year Week"""
)
# "Manchester United", "Mexico City": a place followed by one of these is something else.
TEAM_WORDS = _words("United City Rovers Athletic Wanderers Albion Hotspur County Town Villa")

# Job titles and honorifics: a capitalised name right after one is a person.
TITLES = _words(
    """President Minister Premier Chancellor Senator Sen. Sen Rep. Gov. Governor Mayor
    Secretary General Gen. Gen Col. Lt. Capt. Sgt. Maj. Adm. Cmdr. Judge Justice King Queen
    Prince Princess Pope Rabbi Imam Ayatollah Cardinal Archbishop Bishop Father Reverend Rev.
    Dr. Dr Mr. Mr Mrs. Mrs Ms. Ms Miss Professor Prof. Ambassador Envoy Spokesman Spokeswoman
    Chief Commander Sheikh Chairman Chairwoman Chairperson Director Leader Speaker Mufti
    Sultan Emir Crown Colonel Lieutenant Captain Sergeant Major Admiral Marshal Field Coach
    Manager Striker Defender Midfielder Goalkeeper Inspector Superintendent Detective Officer
    Attorney Prosecutor Commissioner Deputy Vice Acting Former Foreign Defence Defense
    Finance Interior Health Trade Economy Economics Energy Prime Education Labour Labor Home
    Justice Agriculture Environment Transport Culture Information Industry Treasury State
    Executive Managing Senior Junior Assistant Under Under-Secretary Vice-President
    Counsel Chief Sir Dame Lord Lady Baroness Baron Count Countess Duke Duchess Gov Mr Mrs"""
)
# The titles that can stand last in a run ("Foreign Minister"): the head nouns of titles.
TITLE_HEADS = _words(
    """President Minister Premier Chancellor Senator Sen. Rep. Gov. Governor Mayor Secretary
    General Gen. Col. Lt. Capt. Sgt. Maj. Adm. Judge Justice King Queen Prince Princess Pope
    Rabbi Imam Ayatollah Cardinal Archbishop Bishop Father Reverend Rev. Dr. Dr Mr. Mr Mrs.
    Mrs Ms. Ms Miss Professor Prof. Ambassador Envoy Spokesman Spokeswoman Chief Commander
    Sheikh Chairman Chairwoman Director Leader Speaker Sultan Emir Colonel Lieutenant Captain
    Sergeant Admiral Marshal Coach Manager Inspector Detective Attorney Prosecutor
    Commissioner Sir Dame Lord Lady Baroness Baron Duke Duchess Gov Vice-President"""
)
# Lowercase words right before a capitalised name that mark it as a person.
PERSON_CUES = _words(
    """president minister premier chancellor senator governor mayor secretary general judge
    king queen prince pope rabbi imam cardinal bishop ambassador envoy spokesman spokeswoman
    chief commander chairman chairwoman director leader speaker colonel captain coach
    manager striker defender midfielder goalkeeper forward winger skipper batsman bowler
    opener all-rounder champion seed player rider driver runner pitcher catcher outfielder
    quarterback jockey trainer boxer golfer cyclist swimmer sprinter compatriot teammate
    analyst economist dealer trader broker official officer negotiator mediator lawyer
    attorney prosecutor investigator inspector detective candidate challenger rival
    opponent incumbent deputy aide adviser advisor son daughter wife husband brother sister
    father mother uncle widow actor actress singer writer author novelist poet artist
    director producer dr mr mrs ms said says told added according by beat defeated"""
)
# Words around a place that make it a sports team ("Essex beat Kent", "Milan v Roma").
TEAM_VERBS = _words("beat beats defeated drew trounced thrashed edged routed overcame outplayed")
TEAM_BEFORE = TEAM_VERBS | _words("v vs vs. versus")
# Capitalised words after which a name is more likely a place.
PLACE_PREPOSITIONS = _words("in at near from to into across outside inside via towards")
# Words after a name that mark it as a person ("Smith said", "Smith, who").
SAID_WORDS = _words("said says told added asked wrote stated explained replied noted")
# Acronyms and capitalised words that are not names of anything.
NOT_NAMES = _words(
    """CEO CFO GMT EST EDT PST TV AM PM OK ID HIV AIDS GDP GNP CPI PPI IPO VAT NB MW KW
    TO DO OF IN ON AT BY AN OR IS IT BE NO YES FOR THE AND BUT NOT WITH FROM PCT CDT
    Internet Net"""
)
# Name particles that may sit inside a person's or place's name ("Ludwig van Beethoven").
NAME_PARTICLES = _words("de da di del della der den van von du le la al el bin ibn dos das y")
# Words that may join two capitalised parts into one name ("Bank of England").
OF_HEADS = _words(
    """Bank University Ministry Department Republic Council Church Duke Gulf Bay Sea Isle
    Isles Cape Kingdom State States Museum School Institute Chamber Federation Association
    Union Court House Board Bureau Office Commission Committee League Party Society Academy
    College Order Strait Straits Bishop Archbishop Sultanate Emirate Principality Province
    Federation Organisation Organization Confederation Council Secretary Minister Ministry
    Mount Lake Gulf Isle Statue Battle Treaty Prince Princess Queen King Island Islands
    Tribunal Agency Authority Assembly Congress Chamber Parliament Fund Conference Director"""
)
PLACE_WORDS = _words(
    """Island Islands Sea Ocean River Valley Mountains Mountain Mount Mt. Lake Bay Gulf Strait
    Straits Peninsula Desert Coast Basin Plain Plains Delta Canal Heights Strip Bank Province
    Region District County Territory Territories Republic Kingdom Emirates States Street
    Square Avenue Road Park Bridge Airport"""
)

EXTRA_PLACES = frozenset(
    ["Europe", "Asia", "Africa", "America", "Americas", "Antarctica", "Oceania", "Mideast",
     "Middle East", "Far East", "Gulf", "Balkans", "Caribbean", "Scandinavia", "Siberia",
     "West Bank", "Gaza Strip", "Golan Heights", "Latin America", "North America",
     "South America", "Central America", "Central Asia", "South Asia", "Southeast Asia",
     "East Africa", "West Africa", "North Africa", "Southern Africa", "Eastern Europe",
     "Western Europe", "Central Europe", "Kashmir", "Tibet", "Chechnya", "Kurdistan",
     "Bosnia", "Herzegovina", "Kosovo", "Crimea", "Palestine", "Britain", "Great Britain",
     "England", "Scotland", "Wales", "Northern Ireland", "Ulster", "Hong Kong", "Macau",
     "Taiwan", "U.S.", "US", "USA", "UK", "U.K.", "UAE", "Holland", "Washington",
     "East Jerusalem", "Persian Gulf", "Pacific", "Atlantic", "Mediterranean", "Arctic",
     "Sahara", "Himalayas", "Alps", "Amazon", "Nile", "Danube", "Rhine", "Thames", "Baltics",
     "Gaza", "Congo", "Zaire", "Burma", "Yugoslavia", "Soviet Union", "Czechoslovakia",
     "Ivory Coast", "South Korea", "North Korea", "Wall Street", "Silicon Valley",
     "Kabul", "Grozny", "Sarajevo", "Jenin", "Ramallah", "Nablus", "Hebron", "Jericho"]
)  # fmt: skip
# Gazetteer entries that are too often something else in news text.
NOT_PLACES = _words(
    """Of Union Mobile Reading Split Nice Bath Orange Victoria Charlotte Jackson Lincoln
    Independence Concord Hope Mission Paradise Surprise Sandy Temple Plano Irving Carlsbad
    Chester Warren Troy Columbia Marion Florence Aurora Salem Norman Austin Madison Phoenix
    Mercedes Cristo Pilar Santa San Villa Mesa Bell Long Gary Davis Clinton Pasadena Brest
    Fresno Laval Lyon Gent Guadalupe Providence Regina Jose Maria Cruz Santiago Rosario
    Sale Tours Mons Eagle Mandal Rock Hamilton Kent Leeds Middlesex Durham Essex"""
)
NOT_GIVEN_NAMES = _words(
    """Will May Mark Bill Rose Grant Joy Hope Faith Chase Page Story Price Young Long Love
    Star Summer Winter Autumn Dawn Sunny Rich Royal Major King Duke Earl Baron Prince Queen
    Lord Lady Bishop Don Del Van Von De La Le Ben Bin Abu Al El Said Sale Rock Stone Hill
    Wood Field Park Green Brown Black White Gray Grey General Justice Art Ray Roy Guy Miles
    Cash Gay Pat Sue Jan Ali Jean Jo Ion Bo Su Ho Li Lu Ma An In On Do Le Noble Sterling
    Independence Liberty Christian Islam Unity Chance Max Rob Hunter Lane Sky Ocean"""
)
