def build_outline(cleaned, rules):
    return (), ()
