"""PyTorch inference outside torch.no_grad(): a SageMaker predict_fn with the model as a parameter, a TorchScript module
held in a short name, an explicit forward(), Hugging Face generate(); and a training loop that is not inference."""
import logging

import torch
import torch.nn.functional as F
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

logger = logging.getLogger(__name__)
CLASSES = ["sedan", "suv", "truck"]
ts = torch.jit.load("model.pt")
tok = AutoTokenizer.from_pretrained("t5-small")
t5 = AutoModelForSeq2SeqLM.from_pretrained("t5-small")


def predict_fn(input_object, model):
    output = model(input_object.unsqueeze(0))  # expect: no-fallback no-confidence untraced-prediction
    _, predicted = torch.max(output, 1)
    return CLASSES[predicted.item()]


def predict_fn_with_score(input_object, model):
    try:
        output = model(input_object.unsqueeze(0))
    except RuntimeError:
        return {"label": None, "score": 0.0}
    probs = F.softmax(output, dim=1)
    score, idx = probs.max(1)
    logger.info("car type", extra={"model_version": "cars-3", "score": float(score)})
    return {"label": CLASSES[idx.item()], "score": float(score)}


def embed(batch):
    return ts(batch)  # expect: no-fallback untraced-prediction


def classify(x, net):
    logits = net.forward(x)  # expect: no-fallback no-confidence untraced-prediction
    return int(logits.argmax(dim=1))


def translate(text: str) -> str:
    ids = tok(text, return_tensors="pt").input_ids
    out = t5.generate(ids, max_new_tokens=64)  # expect: no-fallback untraced-prediction
    return tok.decode(out[0], skip_special_tokens=True)


def train_epoch(model, loader, optimizer):
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
