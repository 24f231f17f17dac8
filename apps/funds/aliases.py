"""What investors type for a fund house, and what AMFI's scheme names say instead.

Scheme names start with the fund house's brand, which is not always what people call it: "PPFAS" (the AMC)
sells "Parag Parikh ..." funds, "ABSL" is "Aditya Birla Sun Life", "IDFC" funds are now "Bandhan ...".
Each alias below is matched as a whole word (or words) of the query, and stands for its own word (exactly,
not as a prefix: "quant" must not find "Quantum", "uti" must not find "Utility") or any of the phrases
listed. A phrase matches when all its words are words of the name.

Keys are lower case; multi-word keys are matched before shorter ones ("aditya birla" before "aditya")."""

from types import MappingProxyType

# alias -> phrases the scheme names use (each phrase: its words, all required)
AMC_ALIASES: MappingProxyType[str, tuple[tuple[str, ...], ...]] = MappingProxyType(
    {
        "ppfas": (("parag", "parikh"),),
        "absl": (("aditya", "birla"),),
        "birla": (("aditya", "birla"),),
        "aditya birla": (("aditya", "birla"),),
        "abslmf": (("aditya", "birla"),),
        "icici": (("icici", "prudential"),),
        "icici pru": (("icici", "prudential"),),
        "ipru": (("icici", "prudential"),),
        "hdfc": (("hdfc",),),
        "sbi": (("sbi",),),
        "axis": (("axis",),),
        "mirae": (("mirae", "asset"),),
        "uti": (("uti",),),
        "nippon": (("nippon", "india"), ("reliance",)),
        "reliance": (("nippon", "india"), ("reliance",)),
        "kotak": (("kotak",),),
        "dsp": (("dsp",),),
        "quant": (("quant",),),
        "quantum": (("quantum",),),
        "motilal": (("motilal", "oswal"),),
        "mosl": (("motilal", "oswal"),),
        "franklin": (("franklin",),),
        "fti": (("franklin",),),
        "templeton": (("franklin",), ("templeton",)),
        "idfc": (("bandhan",), ("idfc",)),
        "bandhan": (("bandhan",), ("idfc",)),
        "bnp": (("baroda", "bnp"), ("bnp", "paribas")),
        "boi": (("bank", "of", "india"), ("boi",)),
        "lic": (("lic",),),
        "pgim": (("pgim",),),
        "canara": (("canara", "robeco"),),
        "hsbc": (("hsbc",),),
        "tata": (("tata",),),
        "sundaram": (("sundaram",),),
        "invesco": (("invesco",),),
        "edelweiss": (("edelweiss",),),
        "jm": (("jm", "financial"),),
        "nj": (("nj",),),
        "iti": (("iti",),),
        "whiteoak": (("whiteoak",),),
        "groww": (("groww",),),
        "navi": (("navi",),),
        "zerodha": (("zerodha",),),
        "360 one": (("360", "one"),),
        "iifl": (("360", "one"), ("iifl",)),
    }
)

_LONGEST_KEY = max(len(key.split()) for key in AMC_ALIASES)


def alias_split(words: list[str]) -> list[tuple[str, tuple[tuple[str, ...], ...] | None]]:
    """The query's words, with runs that form an alias joined: [(text, phrases or None), ...].

    >>> alias_split(["icici", "pru", "bluechip"])[0]
    ('icici pru', (('icici', 'prudential'),))
    """
    out: list[tuple[str, tuple[tuple[str, ...], ...] | None]] = []
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST_KEY, len(words) - index), 0, -1):
            key = " ".join(words[index : index + size])
            phrases = AMC_ALIASES.get(key)
            if phrases is not None:
                out.append((key, phrases))
                index += size
                break
        else:
            out.append((words[index], None))
            index += 1
    return out
