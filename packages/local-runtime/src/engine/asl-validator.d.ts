declare module 'asl-validator' {
  interface AslValidationError {
    readonly 'Error code': string;
    readonly Message: string;
    /** The JSON Schema (ajv) error behind a schema message: `instancePath` is a JSON pointer into the definition. */
    readonly schemaError?: { readonly instancePath: string; readonly schemaPath: string };
  }
  function validator(
    definition: object,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): {
    isValid: boolean;
    errors: AslValidationError[];
  };
  export = validator;
}
