// The SDK's notice that its 2027 releases need Node 22 would repeat in every test file; it is tracked in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
