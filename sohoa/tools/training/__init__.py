"""Training the page model from the synthetic corpus's texts (train split), and the OCR noise it is trained with."""
