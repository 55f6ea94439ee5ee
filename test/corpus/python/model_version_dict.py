"""The version travels in a record dict that is later emitted to the audit log."""
import logging

import onnxruntime

audit = logging.getLogger("audit")
MODEL_VERSION = "kyc-onnx-3"
session = onnxruntime.InferenceSession("models/kyc.onnx")


def verify(doc_features):
    try:
        outputs = session.run(["score"], {"features": doc_features})
    except Exception:
        audit.exception("kyc model failed")
        return {"decision": "manual"}
    record = {"model_version": MODEL_VERSION, "score": float(outputs[0][0])}
    audit.info("kyc decision", extra=record)
    return {"decision": "pass" if record["score"] > 0.5 else "manual"}


def verify_untraced(doc_features):
    try:
        outputs = session.run(["score"], {"features": doc_features})  # expect: untraced-prediction
    except Exception:
        return {"decision": "manual"}
    record = {"model_version": MODEL_VERSION, "score": float(outputs[0][0])}
    return {"decision": "pass" if record["score"] > 0.5 else "manual"}
