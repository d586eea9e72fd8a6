"""Archives that appear in Digital Archive citations: canonical names, abbreviations, aliases.

The citation parser matches every name, abbreviation and alias case-sensitively as a whole
word, longest first ("SAPMO-BArch" before "BArch", "PA AA MfAA" before "PA AA"). So no key may
appear twice in the table, and no alias may be a short generic word. Former names of an
archive ("TsKhSD" for RGANI, "RTsKhIDNI" for RGASPI, "PRO" for TNA) are its aliases.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArchiveRecord:
    name: str  # canonical English name, e.g. "Russian State Archive of Socio-Political History"
    abbreviation: str | None  # the usual abbreviation, e.g. "RGASPI"
    country: str  # "Russia", "China", "Germany", ..., "United Nations", "United States"
    aliases: tuple[str, ...] = ()  # other abbreviations, native names, former names, variants


ARCHIVES: tuple[ArchiveRecord, ...] = (
    # -- Russia ---------------------------------------------------------------------------
    ArchiveRecord(
        "Archive of the President of the Russian Federation",
        "APRF",
        "Russia",
        (
            "AP RF",
            "Arkhiv Prezidenta Rossiiskoi Federatsii",
            "Archive of the President, Russian Federation",
        ),
    ),
    ArchiveRecord(
        "Archive of Foreign Policy of the Russian Federation",
        "AVP RF",
        "Russia",
        (
            "AVPRF",
            "AVP SSSR",
            "Arkhiv Vneshnei Politiki Rossiiskoi Federatsii",
            "Foreign Policy Archive of the Russian Federation",
            "Archive of Foreign Policy, Russian Federation",
            "Russian Foreign Ministry Archive",
        ),
    ),
    ArchiveRecord(
        "Russian State Archive of Socio-Political History",
        "RGASPI",
        "Russia",
        (
            "RTsKhIDNI",
            "Russian Center for the Preservation and Study of Records of Modern History",
            "Rossiiskii Gosudarstvennyi Arkhiv Sotsial'no-Politicheskoi Istorii",
        ),
    ),
    ArchiveRecord(
        "Russian State Archive of Contemporary History",
        "RGANI",
        "Russia",
        (
            "TsKhSD",
            "SCCD",
            "Storage Center for Contemporary Documentation",
            "Center for the Storage of Contemporary Documentation",
            "Rossiiskii Gosudarstvennyi Arkhiv Noveishei Istorii",
        ),
    ),
    ArchiveRecord(
        "State Archive of the Russian Federation",
        "GARF",
        "Russia",
        ("Gosudarstvennyi Arkhiv Rossiiskoi Federatsii",),
    ),
    ArchiveRecord(
        "Central Archive of the Ministry of Defense of the Russian Federation",
        "TsAMO",
        "Russia",
        ("TsAMO RF",),
    ),
    ArchiveRecord("Russian State Archive of the Economy", "RGAE", "Russia"),
    ArchiveRecord("Russian State Military Archive", "RGVA", "Russia"),
    ArchiveRecord(
        "Russian State Archive of Scientific-Technical Documentation",
        "RGANTD",
        "Russia",
        ("Russian State Archive of Scientific and Technical Documentation",),
    ),
    ArchiveRecord("Russian State Archive of Literature and Art", "RGALI", "Russia"),
    ArchiveRecord("Russian State Naval Archive", "RGAVMF", "Russia"),
    ArchiveRecord(
        "Central Archive of the Federal Security Service of the Russian Federation",
        "TsA FSB",
        "Russia",
        ("Central Archive of the FSB",),
    ),
    ArchiveRecord(
        "Gorbachev Foundation Archives",
        None,
        "Russia",
        ("Gorbachev Foundation Archive", "Archive of the Gorbachev Foundation"),
    ),
    # -- Other former Soviet republics ----------------------------------------------------
    ArchiveRecord(
        "Central State Archive of Public Organizations of Ukraine",
        "TsDAHOU",
        "Ukraine",
    ),
    ArchiveRecord(
        "Sectoral State Archive of the Security Service of Ukraine",
        "HDA SBU",
        "Ukraine",
        ("SBU Archive", "Archive of the Security Service of Ukraine"),
    ),
    ArchiveRecord(
        "Azerbaijan State Archive of Political Parties and Social Movements",
        None,
        "Azerbaijan",
    ),
    ArchiveRecord(
        "Archive of the Ministry of Internal Affairs of Georgia", None, "Georgia", ("MIA Archive",)
    ),
    ArchiveRecord(
        "Lithuanian Special Archives", "LYA", "Lithuania", ("Lietuvos ypatingasis archyvas",)
    ),
    # -- China and Taiwan -----------------------------------------------------------------
    ArchiveRecord(
        "Chinese Foreign Ministry Archives",
        "PRC FMA",
        "China",
        (
            "Archives of the Ministry of Foreign Affairs of the People's Republic of China",
            "CFMA",
            "PRCFMA",
            "Chinese Foreign Ministry Archive",
            "Foreign Ministry Archive of the People's Republic of China",
            "PRC Foreign Ministry Archive",
            "外交部档案馆",
        ),
    ),
    ArchiveRecord(
        "Chinese Communist Party Central Archives",
        "CCA",
        "China",
        (
            "Central Archives of China",
            "Chinese Central Archives",
            "Central Archives, Beijing",
            "Zhongyang Dang'anguan",
            "中央档案馆",
        ),
    ),
    ArchiveRecord(
        "Jiangsu Provincial Archives", None, "China", ("Jiangsu Provincial Archive", "江苏省档案馆")
    ),
    ArchiveRecord(
        "Shanghai Municipal Archives", None, "China", ("Shanghai Municipal Archive", "上海市档案馆")
    ),
    ArchiveRecord(
        "Guangdong Provincial Archives",
        None,
        "China",
        ("Guangdong Provincial Archive", "广东省档案馆"),
    ),
    ArchiveRecord(
        "Fujian Provincial Archives", None, "China", ("Fujian Provincial Archive", "福建省档案馆")
    ),
    ArchiveRecord(
        "Gansu Provincial Archives", None, "China", ("Gansu Provincial Archive", "甘肃省档案馆")
    ),
    ArchiveRecord(
        "Hebei Provincial Archives", None, "China", ("Hebei Provincial Archive", "河北省档案馆")
    ),
    ArchiveRecord(
        "Jilin Provincial Archives", None, "China", ("Jilin Provincial Archive", "吉林省档案馆")
    ),
    ArchiveRecord(
        "Shanxi Provincial Archives", None, "China", ("Shanxi Provincial Archive", "山西省档案馆")
    ),
    ArchiveRecord("Academia Historica", None, "Taiwan", ("Guoshiguan", "國史館")),
    # -- Germany --------------------------------------------------------------------------
    ArchiveRecord(
        "Political Archive of the German Ministry of Foreign Affairs",
        "PA AA MfAA",
        "Germany",
        (
            "PA AA",
            "PolA AA",
            "MfAA",
            "PAAA",
            "Political Archive of the Federal Foreign Office",
            "Political Archive of the Foreign Office",
            "Politisches Archiv des Auswärtigen Amts",
            "Politisches Archiv des Auswärtigen Amtes",
        ),
    ),
    # The Digital Archive credits documents of the SAPMO foundation (the GDR party and mass
    # organisations' records in the Federal Archives) to "German Federal Archives (BArch)", so
    # the foundation's names are aliases of the Federal Archives, not a record of their own.
    ArchiveRecord(
        "German Federal Archives",
        "BArch",
        "Germany",
        (
            "Bundesarchiv",
            "Bundesarchiv Koblenz",
            "SAPMO-BArch",
            "SAPMO",
            "SAPMO-BA",
            "BA-SAPMO",
            "Foundation Archives of Parties and Mass Organizations of the GDR in the Federal "
            "Archives",
            "Stiftung Archiv der Parteien und Massenorganisationen der DDR im Bundesarchiv",
        ),
    ),
    ArchiveRecord(
        "German Federal Archives, Military Archive",
        "BA-MA",
        "Germany",
        (
            "BArch-MA",
            "Bundesarchiv-Militärarchiv",
            "German Federal Archives, Military Archives",
            "German Federal Archive, Military Archive",
        ),
    ),
    ArchiveRecord(
        "Federal Commissioner for the Records of the State Security Service of the former GDR",
        "BStU",
        "Germany",
        (
            "Stasi Records Archive",
            "Stasi Records Agency",
            "Der Bundesbeauftragte für die Unterlagen des Staatssicherheitsdienstes der "
            "ehemaligen Deutschen Demokratischen Republik",
        ),
    ),
    # -- Poland ---------------------------------------------------------------------------
    ArchiveRecord(
        "Polish Archive of Modern Records",
        "AAN",
        "Poland",
        (
            "Archive of Modern Records",
            "Archiwum Akt Nowych",
            "Central Archives of Modern Records",
            "Archives of Modern Records",
        ),
    ),
    ArchiveRecord(
        "Archive of the Polish Ministry of Foreign Affairs",
        "AMSZ",
        "Poland",
        (
            "Archive of the Ministry of Foreign Affairs of the Republic of Poland",
            "Archiwum Ministerstwa Spraw Zagranicznych",
            "Polish Foreign Ministry Archive",
        ),
    ),
    ArchiveRecord(
        "Polish Central Military Archives",
        "CAW",
        "Poland",
        ("Centralne Archiwum Wojskowe", "Centrum Archwium Wojskowe"),
    ),
    ArchiveRecord(
        "Institute of National Remembrance",
        "IPN",
        "Poland",
        ("Instytut Pamięci Narodowej", "Archive of the Institute of National Remembrance"),
    ),
    # -- Hungary --------------------------------------------------------------------------
    ArchiveRecord(
        "National Archives of Hungary",
        "MNL OL",
        "Hungary",
        (
            "MOL",
            "Hungarian National Archives",
            "Magyar Nemzeti Levéltár Országos Levéltára",
            "Magyar Országos Levéltár",
        ),
    ),
    ArchiveRecord(
        "Historical Archives of the Hungarian State Security",
        "ÁBTL",
        "Hungary",
        ("ABTL", "Állambiztonsági Szolgálatok Történeti Levéltára"),
    ),
    ArchiveRecord(
        "Military History Archives, Budapest",
        None,
        "Hungary",
        ("Hadtörténelmi Levéltár", "Hungarian Military History Archives"),
    ),
    # -- Albania --------------------------------------------------------------------------
    ArchiveRecord(
        "National Archives of Albania",
        "AQSH",
        "Albania",
        (
            "AQPPSH",
            "Arkivi Qendror Shtetëror",
            "Arkivi Qendror Shteteror",
            "Arkivi Qendor Shtetëror",
            "Central State Archive of Albania",
            "Central State Archive, Tirana",
            "Central State Archives, Tirana",
            "Albanian Central State Archive",
        ),
    ),
    ArchiveRecord(
        "Archive of the Ministry of Foreign Affairs of Albania",
        "AMPJ",
        "Albania",
        (
            "AMPJSh",
            "Arkivi i Ministrisë së Punëve të Jashtme",
            "Albanian Foreign Ministry Archive",
        ),
    ),
    ArchiveRecord(
        "Authority for Information on Former State Security Documents",
        "AIDSSH",
        "Albania",
        ("Autoriteti për Informimin mbi Dokumentet e ish-Sigurimit të Shtetit",),
    ),
    # -- Czechoslovakia -------------------------------------------------------------------
    ArchiveRecord(
        "National Archives of the Czech Republic",
        "NA",
        "Czech Republic",
        (
            "Národní archiv",
            "National Archive, Prague",
            "National Archives, Prague",
            "SÚA",
            "SUA",
            "Státní ústřední archiv",
            "State Central Archive, Prague",
        ),
    ),
    ArchiveRecord(
        "Archives of the Ministry of Foreign Affairs of the Czech Republic",
        "AMZV",
        "Czech Republic",
        (
            "MZV",
            "Archive of the Ministry of Foreign Affairs of the Czech Republic",
            "Archiv Ministerstva zahraničních věcí",
            "Czech Foreign Ministry Archive",
        ),
    ),
    ArchiveRecord(
        "Security Services Archive",
        "ABS",
        "Czech Republic",
        ("Archiv bezpečnostních složek",),
    ),
    ArchiveRecord(
        "Military Historical Archive, Prague",
        "VHA",
        "Czech Republic",
        ("Vojenský historický archiv", "VÚA-VHA"),
    ),
    # -- Bulgaria -------------------------------------------------------------------------
    ArchiveRecord(
        "Central State Archive of Bulgaria",
        "TsDA",
        "Bulgaria",
        ("Central State Archive, Sofia", "Tsentralen Darzhaven Arhiv", "Централен държавен архив"),
    ),
    ArchiveRecord(
        "Archive of the Ministry of Foreign Affairs of Bulgaria",
        "AMVnR",
        "Bulgaria",
        ("Arhiv na Ministerstvoto na vanshnite raboti", "Bulgarian Foreign Ministry Archive"),
    ),
    ArchiveRecord(
        "Committee for Disclosing the Documents and Announcing the Affiliation of Bulgarian "
        "Citizens to the State Security and the Intelligence Services of the Bulgarian "
        "National Army",
        "COMDOS",
        "Bulgaria",
    ),
    # -- Romania --------------------------------------------------------------------------
    ArchiveRecord(
        "Romanian National Central Historical Archives",
        "ANIC",
        "Romania",
        (
            "Central Historical National Archives of Romania",
            "National Archives of Romania",
            "National Central Historical Archives",
            "National Historical and Central Archives",
            "Arhivele Naționale Istorice Centrale",
            "Arhivele Naţionale Istorice Centrale",
        ),
    ),
    ArchiveRecord(
        "Diplomatic Archive of the Romanian Ministry of Foreign Affairs",
        "AMAE",
        "Romania",
        (
            "A.M.A.E.",
            "Archives of the Ministry of Foreign Affairs of Romania",
            "Archive of the Romanian Ministry of Foreign Affairs",
            "Archives of the Romanian Ministry of Foreign Affairs",
            "Arhiva Ministerului Afacerilor Externe",
            "Romanian Foreign Ministry Archive",
        ),
    ),
    ArchiveRecord(
        "National Council for the Study of the Securitate Archives",
        "CNSAS",
        "Romania",
        ("Consiliul Național pentru Studierea Arhivelor Securității",),
    ),
    # -- Yugoslavia -----------------------------------------------------------------------
    ArchiveRecord(
        "Archives of Yugoslavia", "AJ", "Serbia", ("Arhiv Jugoslavije", "Archive of Yugoslavia")
    ),
    ArchiveRecord(
        "Diplomatic Archive of the Ministry of Foreign Affairs of Serbia",
        "DAMSPS",
        "Serbia",
        ("Diplomatski arhiv Ministarstva spoljnih poslova Srbije",),
    ),
    # -- Korea ----------------------------------------------------------------------------
    ArchiveRecord("National Archives of Korea", "NAK", "South Korea", ("국가기록원",)),
    ArchiveRecord(
        "South Korean Foreign Ministry Archive",
        None,
        "South Korea",
        (
            "South Korean Foreign Ministry",
            "Diplomatic Archives of the Ministry of Foreign Affairs of the Republic of Korea",
            "Diplomatic Archives, Ministry of Foreign Affairs, Republic of Korea",
            "외교사료관",
        ),
    ),
    ArchiveRecord(
        "Syngman Rhee Institute, Yonsei University",
        None,
        "South Korea",
        ("Syngman Rhee Institute", "Yonsei University Syngman Rhee Institute"),
    ),
    # -- Japan ----------------------------------------------------------------------------
    ArchiveRecord(
        "Diplomatic Archives of the Ministry of Foreign Affairs of Japan",
        None,
        "Japan",
        (
            "Diplomatic Record Office of the Ministry of Foreign Affairs of Japan",
            "Gaikō Shiryōkan",
            "外務省外交史料館",
        ),
    ),
    ArchiveRecord(
        "National Diet Library", "NDL", "Japan", ("Kokuritsu Kokkai Toshokan", "国立国会図書館")
    ),
    # -- Mongolia, Vietnam, Cuba ------------------------------------------------------------
    ArchiveRecord(
        "Mongolian Foreign Ministry Archive",
        None,
        "Mongolia",
        (
            "Archive of the Ministry of Foreign Affairs of Mongolia",
            "Archive of the Mongolian Ministry of Foreign Affairs",
        ),
    ),
    ArchiveRecord(
        "Mongolian Revolutionary People's Party Archive",
        None,
        "Mongolia",
        ("Mongol Ardyn Khuvsgalt Namyn Arkhiv",),
    ),
    ArchiveRecord(
        "National Archives Center III, Hanoi",
        None,
        "Vietnam",
        (
            "National Archives Center III",
            "Vietnam National Archives Center No. 3",
            "Trung tâm Lưu trữ Quốc gia III",
        ),
    ),
    ArchiveRecord(
        "Archive of the Ministry of Foreign Affairs of Cuba",
        "AMINREX",
        "Cuba",
        (
            "Archivo del Ministerio de Relaciones Exteriores de Cuba",
            "Cuban Foreign Ministry Archive",
        ),
    ),
    # -- India ----------------------------------------------------------------------------
    ArchiveRecord(
        "Nehru Memorial Museum and Library",
        "NMML",
        "India",
        ("Nehru Memorial Museum & Library", "Prime Ministers' Museum and Library", "PMML"),
    ),
    ArchiveRecord("National Archives of India", "NAI", "India"),
    ArchiveRecord("Institute for Defence Studies and Analyses", "IDSA", "India"),
    ArchiveRecord("Tata Institute of Fundamental Research", "TIFR", "India"),
    ArchiveRecord(
        "Ministry of External Affairs of India",
        "MEA",
        "India",
        (
            "Ministry of External Affairs, Government of India",
            "Indian Ministry of External Affairs",
        ),
    ),
    # -- Western Europe and Israel --------------------------------------------------------
    ArchiveRecord(
        "The National Archives of the UK",
        "TNA",
        "United Kingdom",
        (
            "The National Archives of the United Kingdom",
            "PRO",
            "Public Record Office",
            "The National Archives, Kew",
            "National Archives, Kew",
        ),
    ),
    ArchiveRecord(
        "Diplomatic Archives of the French Ministry of Foreign Affairs",
        "CADLC",
        "France",
        (
            "Archives diplomatiques",
            "Centre des Archives diplomatiques de La Courneuve",
            "Archives du ministère des Affaires étrangères",
        ),
    ),
    ArchiveRecord("National Archives of France", None, "France", ("Archives nationales",)),
    ArchiveRecord(
        "Central State Archives of Italy",
        "ACS",
        "Italy",
        ("Archivio Centrale dello Stato",),
    ),
    ArchiveRecord(
        "Historical Diplomatic Archive of the Italian Ministry of Foreign Affairs",
        "ASDMAE",
        "Italy",
        ("Archivio Storico Diplomatico del Ministero degli Affari Esteri",),
    ),
    ArchiveRecord(
        "Historical Archives of the Italian Senate",
        None,
        "Italy",
        ("Italian Senate Historical Archives", "Archivio Storico del Senato della Repubblica"),
    ),
    ArchiveRecord(
        "Fondazione Istituto Gramsci",
        None,
        "Italy",
        (
            "Fondazione Gramsci",
            "Gramsci Institute Foundation",
            "Archivio del Partito comunista italiano",
        ),
    ),
    ArchiveRecord(
        "Israel State Archives", "ISA", "Israel", ("Israeli State Archives", "ארכיון המדינה")
    ),
    # -- Latin America --------------------------------------------------------------------
    # Not "Ministry of External Relations Archives" alone: other ministries are so named.
    ArchiveRecord(
        "Archives of the Brazilian Ministry of External Relations",
        None,
        "Brazil",
        (
            "Ministry of External Relations Archives, Brasilia",
            "Ministry of External Relations Archives, Brasília",
            "Arquivo Histórico do Itamaraty",
        ),
    ),
    # -- Africa and Australia -------------------------------------------------------------
    ArchiveRecord("National Archives of South Africa", None, "South Africa"),
    ArchiveRecord(
        "Rhodes University, Cory Library",
        None,
        "South Africa",
        ("Rhodes University, Cory University Library",),
    ),
    ArchiveRecord("National Archives of Australia", "NAA", "Australia"),
    # -- United Nations -------------------------------------------------------------------
    ArchiveRecord(
        "United Nations Archives and Records Management Section",
        "UN ARMS",
        "United Nations",
        ("UNARMS", "United Nations Archives and Management Section", "United Nations Archives"),
    ),
    # -- United States --------------------------------------------------------------------
    ArchiveRecord(
        "National Archives and Records Administration",
        "NARA",
        "United States",
        (
            "US National Archives",
            "U.S. National Archives",
            "National Archives, College Park",
            "National Archives at College Park",
            "US National Archives and Records Administration",
        ),
    ),
    ArchiveRecord(
        "Harry S. Truman Presidential Library",
        "HSTL",
        "United States",
        (
            "Harry S. Truman Library",
            "Truman Library",
            "Harry S. Truman Presidential Library and Museum",
        ),
    ),
    ArchiveRecord(
        "Dwight D. Eisenhower Presidential Library",
        "DDEL",
        "United States",
        ("Dwight D. Eisenhower Library", "Eisenhower Library", "Eisenhower Presidential Library"),
    ),
    ArchiveRecord(
        "John F. Kennedy Presidential Library",
        "JFKL",
        "United States",
        (
            "John F. Kennedy Library",
            "Kennedy Library",
            "John F. Kennedy Presidential Library and Museum",
        ),
    ),
    ArchiveRecord(
        "Lyndon Baines Johnson Presidential Library",
        "LBJL",
        "United States",
        ("Lyndon B. Johnson Library", "LBJ Library", "Lyndon B. Johnson Presidential Library"),
    ),
    ArchiveRecord(
        "Richard Nixon Presidential Library",
        None,
        "United States",
        (
            "Nixon Library",
            "Richard Nixon Presidential Library and Museum",
            "Nixon Presidential Materials Project",
        ),
    ),
    ArchiveRecord(
        "Gerald R. Ford Presidential Library",
        "GRFL",
        "United States",
        (
            "Gerald R. Ford Library",
            "Ford Library",
            "Gerald R. Ford Presidential Library and Museum",
        ),
    ),
    ArchiveRecord(
        "Jimmy Carter Presidential Library",
        "JCL",
        "United States",
        ("Jimmy Carter Library", "Carter Library", "Jimmy Carter Presidential Library and Museum"),
    ),
    ArchiveRecord(
        "Ronald Reagan Presidential Library",
        "RRL",
        "United States",
        (
            "Ronald Reagan Library",
            "Reagan Library",
            "Ronald Reagan Presidential Library and Museum",
        ),
    ),
    ArchiveRecord(
        "George H.W. Bush Presidential Library",
        None,
        "United States",
        (
            "George H.W. Bush Presidential Library and Museum",
            "George Bush Presidential Library and Museum",
            "George Bush Presidential Library",
        ),
    ),
    ArchiveRecord("Library of Congress", "LOC", "United States", ("LC",)),
    ArchiveRecord(
        "National Security Archive",
        None,
        "United States",
        ("National Security Archive, George Washington University",),
    ),
    ArchiveRecord(
        "Hoover Institution Archives",
        None,
        "United States",
        ("Hoover Institution Library & Archives", "Hoover Institution Library and Archives"),
    ),
    ArchiveRecord("Central Intelligence Agency", "CIA", "United States"),
    ArchiveRecord("CIA Records Search Tool", "CREST", "United States"),
    # Not "CWIHP" alone: strings credit work "for CWIHP" without citing its archive.
    ArchiveRecord(
        "Cold War International History Project Archive",
        None,
        "United States",
        ("CWIHP archive", "CWIHP Archive", "Cold War International History Project archive"),
    ),
)
