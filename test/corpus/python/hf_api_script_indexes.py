"""A script querying the Hugging Face Inference API: its helper hands back the JSON answer, and the script reads into it."""
import requests

API_URL = "https://api-inference.huggingface.co/models/cardiffnlp/twitter-roberta-base-emotion-multilabel-latest"
HEADERS = {"Authorization": "Bearer hf_xxx"}


def query(payload):
    response = requests.post(API_URL, headers=HEADERS, json=payload, timeout=30)  # expect: no-fallback
    return response.json()


def top_emotion(text):
    return query({"inputs": text})


output = query({"inputs": "I like you. I love you"})
print(output[0][0]["label"])
if output[0][0]["score"] > 0.5:
    print("confident")
