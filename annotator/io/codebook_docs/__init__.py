"""Codebook documents for people: Markdown, HTML and Word files of the codebook.

``model`` reads the project into what every document says (codes in tree order
with their fields, colours and usage per coder); ``markdown_doc``, ``html_doc``
and ``docx_doc`` lay that out; ``formats`` maps format names (with the CSV table
of ``io.tables``) to their exporters for the command line.
"""
