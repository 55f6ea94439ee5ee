"""LLM and endpoint providers: a class other modules import, with a demo under __main__."""
import json
import os

import boto3
import requests


class ChatProvider:
    def __init__(self):
        self.api_url = "https://api.groq.com/openai/v1"
        self.headers = {"Authorization": f"Bearer {os.environ.get('GROQ_API_KEY', '')}"}

    def reply(self, prompt, model="llama-3.1-8b-instant"):
        payload = {"model": model, "messages": [{"role": "user", "content": prompt}], "max_tokens": 200}
        response = requests.post(f"{self.api_url}/chat/completions", headers=self.headers, json=payload)  # expect: no-fallback no-timeout untraced-prediction
        response.raise_for_status()
        return response.json()["choices"][0]["message"]["content"]


def score_event(event):
    runtime = boto3.Session().client("sagemaker-runtime")
    try:
        response = runtime.invoke_endpoint(EndpointName=os.environ.get("ENDPOINT", "scorer"), ContentType="application/json", Body=json.dumps(event))  # expect: no-timeout
        body = json.loads(response["Body"].read())
        return {"score": body["score"], "model_version": response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-invoked-production-variant")}
    except Exception:
        return {"score": None, "model_version": None}


if __name__ == "__main__":
    print(ChatProvider().reply("What is the capital of France?"))
