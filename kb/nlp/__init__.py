"""Text processing for ingestion: sentences, names, figures, attributes, subjects and qualifiers."""
