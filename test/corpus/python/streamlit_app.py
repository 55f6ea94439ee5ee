"""A Streamlit page: the label shown is the app's answer (no-confidence applies); nothing leaves the process, so no
trace is asked for."""
import numpy as np
import streamlit as st
from tensorflow.keras.models import load_model

CLASSES = ["fresh", "rotten"]
model = load_model("fruit.h5")  # expect: unsafe-model-load
safe_model = load_model("fruit.keras")

img = st.file_uploader("A photo of the fruit")
if img is not None:
    x = np.asarray(img).reshape(1, 224, 224, 3) / 255.0
    probs = model.predict(x)  # expect: no-fallback no-confidence
    st.success(f"This fruit is {CLASSES[int(np.argmax(probs))]}")
    probs2 = safe_model.predict(x)  # expect: no-fallback
    idx = int(np.argmax(probs2))
    st.write(f"{CLASSES[idx]} ({probs2[0][idx]:.0%})")
