"""Async scoring against an internal model gateway with aiohttp."""
import aiohttp

SCORING_URL = "http://gateway.ml/score"


async def score_user(user: dict) -> float:
    async with aiohttp.ClientSession() as session:
        async with session.post(SCORING_URL, json=user) as resp:  # expect: no-fallback no-timeout untraced-prediction
            data = await resp.json()
    return data["score"]


async def score_many(users: list[dict]) -> list:
    timeout = aiohttp.ClientTimeout(total=0.5)
    results = []
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for user in users:
            try:
                async with session.post(SCORING_URL, json=user) as resp:  # expect: untraced-prediction
                    results.append((await resp.json())["score"])
            except aiohttp.ClientError:
                results.append(None)
    return results
