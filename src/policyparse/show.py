def document_text(doc):
    return ""
def document_json(doc):
    return {}
