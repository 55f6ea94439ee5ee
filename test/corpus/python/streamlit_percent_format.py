"""A Streamlit page that formats its answer with the % operator."""
import joblib
import streamlit as st

fruit_model = joblib.load("models/fruit.joblib")  # expect: unsafe-model-load


def show_fruit_and_classification(features):
    label = fruit_model.predict([features])[0]  # expect: no-fallback no-confidence
    st.write("Predicted fruit: **%s**" % label)


uploaded = st.text_input("Features (comma separated)")
if uploaded:
    show_fruit_and_classification([float(x) for x in uploaded.split(",")])
