# Metadata lives in setup.cfg; this file lets `pip install -e .` work with
# the setuptools versions mmcv's build needs.
from setuptools import setup

setup()
