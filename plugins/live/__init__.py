"""The live preview behind `build.py serve`: warm rebuilds, the PDF in the background, and the page that reloads itself."""
