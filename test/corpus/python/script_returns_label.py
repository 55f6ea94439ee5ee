"""A script that tags support tickets and prints the tags: its helper returns the label only to the loop that prints it."""
from transformers import pipeline

tickets = ["I was charged twice this month", "The export button does nothing", "How do I change my email?"]

tagger = pipeline("zero-shot-classification", model="facebook/bart-large-mnli")
CATEGORIES = ["billing", "bug", "account", "other"]


def tag(text):
    result = tagger(text, CATEGORIES)  # expect: no-fallback
    return result["labels"][0]


for t in tickets:
    print(t, "->", tag(t))
