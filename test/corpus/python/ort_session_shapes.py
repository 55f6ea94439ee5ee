"""onnxruntime sessions the file does not build where it uses them: a global set in init() (Azure ML scoring
scripts), a session passed in, a session kept in a config object."""
import json
import logging

import numpy as np
import onnxruntime as rt

logger = logging.getLogger(__name__)
session = None


def init():
    global session
    session = rt.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])


def run(raw_data):
    data = np.array(json.loads(raw_data)["data"], dtype=np.float32)
    result = session.run(None, {"input": data})  # expect: no-fallback untraced-prediction
    return json.dumps({"scores": result[0].tolist()})


def score_with(sess, features):
    try:
        outputs = sess.run(["probabilities"], {"float_input": features})  # expect: untraced-prediction
    except Exception:
        logger.exception("onnx failed")
        return []
    return outputs[0].tolist()


class Config:
    def __init__(self, path):
        self.runtime = rt.InferenceSession(path)


def score_config(cfg: Config, features):
    return cfg.runtime.run(None, {"x": features})[0]  # expect: no-fallback untraced-prediction
