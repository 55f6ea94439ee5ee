"""Replicate's model objects: a pinned version run with `.predict`, through the default client or one built here."""
import os

import replicate
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()
BLIP_VERSION = "2e1dddc8621f72155f24cf2e0adbde548458d3cab9f00c0139eea840d0ac4746"
client = replicate.Client(api_token=os.environ.get("REPLICATE_API_TOKEN"), timeout=20.0)
slow_client = replicate.Client(api_token=os.environ.get("REPLICATE_API_TOKEN"))


class Item(BaseModel):
    image: str


@app.post("/caption")
def caption(item: Item):
    model = replicate.models.get("salesforce/blip")
    version = model.versions.get(BLIP_VERSION)
    output = version.predict(image=item.image, task="image_captioning")  # expect: no-fallback no-timeout untraced-prediction
    return output.removeprefix("Caption:").strip()


@app.post("/caption-traced")
def caption_traced(item: Item):
    version = client.models.get("salesforce/blip").versions.get(BLIP_VERSION)
    try:
        output = version.predict(image=item.image, task="image_captioning")
    except replicate.exceptions.ReplicateError as err:
        raise HTTPException(status_code=502, detail=str(err)) from err
    return {"caption": output, "model_version": BLIP_VERSION}


@app.post("/caption-slow")
def caption_slow(item: Item):
    model = slow_client.models.get("salesforce/blip")
    version = model.versions.get(BLIP_VERSION)
    try:
        output = version.predict(image=item.image)  # expect: no-timeout
    except replicate.exceptions.ReplicateError:
        return {"caption": None, "model_version": BLIP_VERSION}
    return {"caption": output, "model_version": BLIP_VERSION}


@app.get("/alt-text")
def alt_text(image_url: str):
    # The pinned version is in the code, but only the caption goes back: nothing in the answer says which model wrote it.
    version = client.models.get("salesforce/blip").versions.get(BLIP_VERSION)
    return version.predict(image=image_url)  # expect: no-fallback untraced-prediction
