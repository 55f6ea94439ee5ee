"""Calls that look like predictions but are not."""
import re
import subprocess

import pandas as pd
import requests
from prophet import Prophet

PATTERN = re.compile(r"^(?P<user>\w+)@(?P<domain>[\w.]+)$")


class Job:
    def __init__(self, steps):
        self.steps = steps

    def run(self, payload):
        for step in self.steps:
            payload = step.run(payload)
        return payload


def parse_email(address: str):
    match = PATTERN.match(address)
    return match.group("domain") if match else None


def build_assets():
    subprocess.run(["make", "assets"], check=True)
    Job([]).run({})


def forecast(history: pd.DataFrame) -> pd.DataFrame:
    m = Prophet()
    m.fit(history)
    future = m.make_future_dataframe(periods=30)
    return m.predict(future)


def weather(city: str) -> dict:
    return requests.get(f"https://api.weather.example/v1/current?city={city}").json()


def post_comment(text: str) -> int:
    return requests.post("https://api.example.com/comments", json={"text": text}).status_code


def describe(df: pd.DataFrame):
    return df.describe().predict if hasattr(df, "predict") else df.describe()
