"""Model loading, safe and unsafe."""
import json
import pickle as pkl

import cloudpickle
import dill
import numpy as np
import onnxruntime as ort
import torch
import yaml
from joblib import load
from safetensors.torch import load_file


def load_everything(root: str) -> dict:
    with open(f"{root}/config.yaml") as fh:
        config = yaml.safe_load(fh)
    with open(f"{root}/labels.json") as fh:
        labels = json.load(fh)
    with open(f"{root}/model.pkl", "rb") as fh:
        sk_model = pkl.load(fh)  # expect: unsafe-model-load
    with open(f"{root}/features.pkl", "rb") as fh:
        featurizer = pkl.loads(fh.read())  # expect: unsafe-model-load
    scaler = load(f"{root}/scaler.joblib")  # expect: unsafe-model-load
    with open(f"{root}/udf.cloudpickle", "rb") as fh:
        udf = cloudpickle.load(fh)  # expect: unsafe-model-load
    with open(f"{root}/session.dill", "rb") as fh:
        session_state = dill.load(fh)  # expect: unsafe-model-load
    full_net = torch.load(f"{root}/net.pt")  # expect: unsafe-model-load
    weights = torch.load(f"{root}/net_weights.pt", weights_only=True)
    tensors = load_file(f"{root}/model.safetensors")
    embeddings = np.load(f"{root}/embeddings.npy")
    legacy = np.load(f"{root}/legacy.npy", allow_pickle=True)  # expect: unsafe-model-load
    onnx_session = ort.InferenceSession(f"{root}/model.onnx")
    return {
        "config": config,
        "labels": labels,
        "sk_model": sk_model,
        "featurizer": featurizer,
        "scaler": scaler,
        "udf": udf,
        "session_state": session_state,
        "full_net": full_net,
        "weights": weights,
        "tensors": tensors,
        "embeddings": embeddings,
        "legacy": legacy,
        "onnx": onnx_session,
    }
