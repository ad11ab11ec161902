def extract_targets(cleaned, sections, meta, options):
    return ()
