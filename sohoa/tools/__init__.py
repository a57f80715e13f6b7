"""Tools that are not the product: the synthetic corpus, the page-model training, the evaluations and the
benchmarks. The runtime never imports them (tests/test_layout.py); `sohoa-lab` runs them."""
