"""Lambda handler that forwards requests to a SageMaker endpoint."""
import json
import os

import boto3

ENDPOINT = os.environ.get("ENDPOINT_NAME", "churn-prod")
runtime = boto3.client("sagemaker-runtime", region_name="eu-west-1")


def handler(event, context):
    body = json.dumps({"instances": event["rows"]})
    response = runtime.invoke_endpoint(EndpointName=ENDPOINT, ContentType="application/json", Body=body)  # expect: no-fallback no-timeout untraced-prediction
    result = json.loads(response["Body"].read())
    return {"statusCode": 200, "body": json.dumps(result)}
