# scrapyd-deploy builds its egg by running this file; everything is declared in pyproject.toml
# (including the `scrapy` entry point that tells Scrapyd where the settings are).
from setuptools import setup

setup()
