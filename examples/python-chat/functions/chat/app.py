"""POST /chat: answers one message. The API key is read from Parameter Store once per container: the function's
environment holds the parameter's name (API_KEY_PARAMETER), never the value."""

import json
import os

import boto3

_ssm = boto3.client("ssm")
_api_key = None


def api_key():
    global _api_key
    if _api_key is None:
        name = os.environ["API_KEY_PARAMETER"]
        _api_key = _ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    return _api_key


def reply(message, key):
    # Stands in for a call to a model provider with `key`.
    return f"You said: {message}" if key else "not configured"


def handler(event, context):
    try:
        body = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return {"statusCode": 400, "body": json.dumps({"error": "the body is not JSON"})}
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        return {"statusCode": 400, "body": json.dumps({"error": "message is required"})}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"reply": reply(message, api_key())}),
    }
