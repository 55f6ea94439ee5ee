"""A demo script: it scores a few examples and prints them. Nothing leaves it, so no trace is asked for, and a label it
only prints decides nothing; the timeout and the fallback still matter (a script hangs or crashes as well)."""
import joblib
from transformers import TextClassificationPipeline, AutoModelForSequenceClassification, AutoTokenizer

tok = AutoTokenizer.from_pretrained("distilbert-base-uncased-finetuned-sst-2-english")
net = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased-finetuned-sst-2-english")
pipe = TextClassificationPipeline(model=net, tokenizer=tok, top_k=None)
iris = joblib.load("iris.joblib")  # expect: unsafe-model-load


def classify(text: str):
    return pipe(text)  # expect: no-fallback


def species(measurements):
    return iris.predict([measurements])[0]  # expect: no-fallback


if __name__ == "__main__":
    for sentence in ["I love it", "Meh"]:
        print(sentence, classify(sentence))
    print(species([5.1, 3.5, 1.4, 0.2]))
