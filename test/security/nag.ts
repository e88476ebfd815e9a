import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** One cdk-nag finding left unacknowledged. */
export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/** An App with the AwsSolutions pack registered, writing to a throw-away directory. */
export function nagApp(): App {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'nag-')) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

interface ValidationReport {
  pluginReports: {
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/** Synthesizes the app and returns every unacknowledged AwsSolutions finding (errors and warnings). */
export function nagFindings(app: App): NagFinding[] {
  try {
    app.synth();
  } catch (error) {
    if (!/validation ?failed/i.test(String(error))) throw error;
  }
  let report: ValidationReport;
  try {
    report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  } catch {
    return [];
  }
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => ({
        rule: violation.ruleName,
        severity: violation.severity,
        path: construct.constructPath,
      })),
    ),
  );
}

/** Removes the app's throw-away output directory. */
export function removeOutput(app: App): void {
  rmSync(app.outdir, { recursive: true, force: true });
}
