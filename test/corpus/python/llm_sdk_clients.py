"""Hosted-model SDKs: OpenAI-compatible clients, the Hugging Face InferenceClient, Cohere, Replicate, Bedrock."""
import json
import logging

import boto3
import cohere
import replicate
from botocore.config import Config
from huggingface_hub import InferenceClient
from openai import OpenAI

logger = logging.getLogger(__name__)
MODEL_VERSION = "gpt-4o-mini-2024-07-18"

client = OpenAI()
fast_client = OpenAI(timeout=2.0, max_retries=1)
hf = InferenceClient(model="HuggingFaceH4/zephyr-7b-beta")
co = cohere.Client("key")
bedrock = boto3.client("bedrock-runtime", config=Config(read_timeout=3))


def summarize(text: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])  # expect: no-fallback no-timeout untraced-prediction
    return reply.choices[0].message.content


def summarize_fast(text: str) -> str:
    try:
        reply = fast_client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    except Exception:
        logger.exception("summary failed")
        return text[:200]
    logger.info("summary", extra={"model_version": reply.model})
    return reply.choices[0].message.content


def embed(texts: list[str]) -> list[list[float]]:
    try:
        out = client.embeddings.create(model="text-embedding-3-small", input=texts, timeout=1.5)  # expect: untraced-prediction
    except Exception:
        return [[] for _ in texts]
    return [d.embedding for d in out.data]


def chat(prompt: str) -> str:
    return hf.chat_completion(messages=[{"role": "user", "content": prompt}]).choices[0].message.content  # expect: no-fallback no-timeout untraced-prediction


def cohere_embed(text: str) -> list[float]:
    return co.embed(texts=[text], model="embed-english-v3.0").embeddings[0]  # expect: no-fallback no-timeout untraced-prediction


def caption(image_url: str) -> str:
    return replicate.run("salesforce/blip:2e1dddc8", input={"image": image_url})  # expect: no-fallback no-timeout untraced-prediction


def claude_via_bedrock(prompt: str) -> str:
    try:
        resp = bedrock.invoke_model(modelId="anthropic.claude-3-haiku", body=json.dumps({"prompt": prompt}))
    except Exception:
        return ""
    logger.info("bedrock", extra={"model_version": "claude-3-haiku"})
    return json.loads(resp["body"].read())["completion"]


def legacy_completion(prompt: str) -> str:
    import openai

    try:
        return openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": prompt}], request_timeout=5)["choices"][0]["message"]["content"]  # expect: untraced-prediction
    except openai.error.OpenAIError:
        return ""
