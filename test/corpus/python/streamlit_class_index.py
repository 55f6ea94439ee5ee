"""Streamlit front end of a model container: the server answers with a class index, the page names the class."""
import requests
import streamlit as st

SPECIES = ["setosa", "versicolor", "virginica"]
MODEL_URL = "http://model:5000"

features = [st.number_input(name) for name in ("sepal length", "sepal width", "petal length", "petal width")]

if st.button("Predict species"):
    response = requests.post(f"{MODEL_URL}/predict", json=features, timeout=3)  # expect: no-fallback no-confidence
    label = int(response.text)
    st.write(SPECIES[label])


if st.button("Estimate price"):
    price = float(requests.post(f"{MODEL_URL}/predict/price", json=features, timeout=3).text)  # expect: no-fallback
    st.metric("Estimated price", f"{price:.2f}")
