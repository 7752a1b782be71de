"""Open data: what the partnerships publish, as CSV and JSON files anyone may download without
signing in, under the Open Government Licence v3.0, with a data dictionary page at /open-data/.
The datasets are declared once, in datasets.py; files.py writes them; queries.py reads them."""
