# %% [markdown]
# Quick experiment: churn classifier on the March extract.

# %%
import pickle

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/churn_march.csv")
X, y = df.drop(columns="churn"), df["churn"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

# %%
clf = RandomForestClassifier(n_estimators=300, random_state=0).fit(X_train, y_train)
preds = clf.predict(X_test)  # expect: no-fallback
print("accuracy", (preds == y_test).mean())

# %%
with open("artifacts/previous_model.pkl", "rb") as fh:
    previous = pickle.load(fh)  # expect: unsafe-model-load
