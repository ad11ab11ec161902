def extract_meta(cleaned, sections, rules, base):
    return base
