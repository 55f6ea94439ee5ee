"""Worker start-up: a warm-up prediction whose result is discarded, then the real scoring loop."""
import logging
import time

import numpy as np
import onnxruntime as ort

logger = logging.getLogger(__name__)
MODEL_VERSION = "ctr-onnx-21"


class Worker:
    def __init__(self, path: str):
        self.sess = ort.InferenceSession(path)
        dummy = np.zeros((1, 32), dtype=np.float32)
        started = time.perf_counter()
        self.sess.run(None, {"features": dummy})  # expect: no-fallback
        logger.info("warm-up took %.1f ms", (time.perf_counter() - started) * 1000)

    def score(self, batch: np.ndarray) -> np.ndarray:
        try:
            (ctr,) = self.sess.run(None, {"features": batch})
        except Exception:
            logger.exception("ctr model failed")
            return np.full(len(batch), 0.01, dtype=np.float32)
        logger.debug("scored", extra={"model_version": MODEL_VERSION})
        return ctr
