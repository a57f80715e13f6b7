"""Stage 2, page preparation and OCR: each page decoded once, turned upright and deskewed (`prepare`,
`orientation`), read by Tesseract `vie` (`tesseract`, behind the `engine` interface), checked for a separator
sheet's QR code (`separators`, `qr`) and drawn as a searchable page (`textlayer`); `pages` runs these per-page
tasks on every core and merges the results in the parent."""
