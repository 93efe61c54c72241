/**
 * The terraform runner against the real CLI: the failures people hit first (no terraform, no provider)
 * and the plan exit codes. Only terraform's built-in provider is ever installed here, so nothing is downloaded.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { apply, destroy, init, outputs, plan, planText, run, showJson, TerraformError, validate } from '../src/terraform/terraformCli';

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'terraform-cli-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A working directory holding one JSON configuration. */
function workdir(name: string, config: object): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
  return dir;
}

/** process.env without the variables that choose where providers come from. */
function envWithoutProviderSource(): NodeJS.ProcessEnv {
  const { TF_PROVIDER_MIRROR: _mirror, TF_PLUGIN_CACHE_DIR: _cache, ...rest } = process.env;
  return rest;
}

const NEEDS_AWS = { terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } } };

test('terraform (and the provider it starts) runs with GOGC=400 unless GOGC is set: their start is mostly garbage collection', async () => {
  // a stand-in terraform on PATH that prints what it was given
  const bin = path.join(tmp, 'gogc-bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'terraform'), '#!/bin/sh\necho "GOGC=$GOGC TF_IN_AUTOMATION=$TF_IN_AUTOMATION"\n', { mode: 0o755 });
  const { GOGC: _gogc, ...withoutGogc } = process.env;
  expect((await run(tmp, ['version'], { env: { ...withoutGogc, PATH: bin } })).stdout).toBe('GOGC=400 TF_IN_AUTOMATION=1\n');
  expect((await run(tmp, ['version'], { env: { ...withoutGogc, GOGC: '150', PATH: bin } })).stdout).toBe('GOGC=150 TF_IN_AUTOMATION=1\n');
});

describe('when terraform cannot run', () => {
  test('no terraform on PATH: says to install Terraform >= 1.5', async () => {
    const emptyBin = path.join(tmp, 'empty-bin');
    mkdirSync(emptyBin);
    await expect(run(tmp, ['version'], { env: { ...process.env, PATH: emptyBin } })).rejects.toThrow(
      'terraform was not found on PATH: install Terraform >= 1.5',
    );
  });

  test('a missing working directory is named as such, not mistaken for a missing terraform', async () => {
    const missing = path.join(tmp, 'no-such-dir');
    await expect(run(missing, ['version'])).rejects.toThrow(`working directory ${missing} does not exist`);
  });
});

describe('init: where providers come from', () => {
  test('TF_PROVIDER_MIRROR that is not a directory', async () => {
    const dir = workdir('mirror-missing', NEEDS_AWS);
    const mirror = path.join(tmp, 'no-such-mirror');
    await expect(init(dir, { env: { ...process.env, TF_PROVIDER_MIRROR: mirror } })).rejects.toThrow(
      `TF_PROVIDER_MIRROR=${mirror} is not a directory`,
    );
  });

  test('a mirror without the provider: the error names the mirror and the layout it needs', async () => {
    const dir = workdir('mirror-empty', NEEDS_AWS);
    const mirror = path.join(tmp, 'empty-mirror');
    mkdirSync(mirror);
    const error = await init(dir, { env: { ...process.env, TF_PROVIDER_MIRROR: mirror } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraformError);
    expect((error as TerraformError).message).toContain(`filesystem mirror ${mirror} (TF_PROVIDER_MIRROR)`);
    expect((error as TerraformError).message).toContain(`${mirror}/registry.terraform.io/<namespace>/<type>/<version>/<os>_<arch>/`);
    expect((error as TerraformError).result?.code).toBe(1);
  });

  // No mirror and no registry: a CLI config sends provider installation to a port nothing listens on
  // (connection refused at once), so the result is the same with or without internet on this machine.
  test('no mirror and the registry unreachable: hints at TF_PROVIDER_MIRROR', async () => {
    const dir = workdir('registry-unreachable', NEEDS_AWS);
    const cliConfig = path.join(tmp, 'unreachable.tfrc');
    writeFileSync(cliConfig, 'provider_installation {\n  network_mirror {\n    url = "https://127.0.0.1:9/"\n  }\n}\n');
    const error = await init(dir, { env: { ...envWithoutProviderSource(), TF_CLI_CONFIG_FILE: cliConfig } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraformError);
    const { message } = error as TerraformError;
    expect(message).toContain('On machines without registry access, set TF_PROVIDER_MIRROR to a filesystem mirror');
    expect(message).toContain('parent directory of registry.terraform.io');
    expect(message).toContain('127.0.0.1:9'); // terraform's own diagnostic follows the hint
  });
});

describe('validate, plan and show with the built-in provider', () => {
  test('plan -detailed-exitcode: 2 with changes, then show -json lists them', async () => {
    const dir = workdir('changes', { resource: { terraform_data: { marker: { input: 'x' } } } });
    await init(dir);
    await validate(dir);
    const result = await plan(dir, { out: 'tfplan', detailedExitcode: true });
    expect(result.code).toBe(2);
    const json = await showJson(dir, 'tfplan');
    expect(json.resource_changes?.map((c) => [c.address, c.change.actions])).toEqual([['terraform_data.marker', ['create']]]);
  });

  test('plan -detailed-exitcode: 0 without changes', async () => {
    const dir = workdir('no-changes', {});
    await init(dir);
    expect((await plan(dir, { detailedExitcode: true })).code).toBe(0);
  });

  test('an invalid configuration: validate throws, plan returns 1 with the diagnostics', async () => {
    const dir = workdir('invalid', { output: { broken: { value: '${var.missing}' } } });
    await init(dir);
    await expect(validate(dir)).rejects.toThrow(/terraform validate failed in .*Reference to undeclared input variable/s);
    const result = await plan(dir, { detailedExitcode: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Reference to undeclared input variable');
  });
});

describe('apply, outputs and destroy with the built-in provider', () => {
  test('apply creates what the plan listed, outputs reads it back, destroy removes it', async () => {
    const dir = workdir('lifecycle', {
      resource: { terraform_data: { marker: { input: 'x' } } },
      output: { marker_input: { value: '${terraform_data.marker.output}' } },
    });
    await init(dir);
    await apply(dir);
    expect(await outputs(dir)).toEqual({ marker_input: 'x' });
    expect((await plan(dir, { detailedExitcode: true })).code).toBe(0);
    await destroy(dir);
    expect((await run(dir, ['state', 'list'])).stdout.trim()).toBe('');
  });

  test('plan -destroy plans the deletion of everything in the state; planText is the plan as terraform show prints it', async () => {
    const dir = workdir('destroy-plan', { resource: { terraform_data: { marker: { input: 'x' } } } });
    await init(dir);
    await apply(dir);
    const planned = await plan(dir, { out: 'destroy.tfplan', detailedExitcode: true, destroy: true });
    expect(planned.code).toBe(2);
    const json = await showJson(dir, 'destroy.tfplan');
    expect(json.resource_changes?.map((c) => [c.address, c.change.actions])).toEqual([['terraform_data.marker', ['delete']]]);
    // plan's progress line for the refresh of the applied marker is not part of the plan
    expect(planned.stdout).toContain('terraform_data.marker: Refreshing state...');
    expect(planText(planned.stdout)).toBe((await run(dir, ['show', '-no-color', 'destroy.tfplan'])).stdout);
    expect(planText(planned.stdout)).toContain('Plan: 0 to add, 0 to change, 1 to destroy.');
  });

  test('lock: false plans while another terraform holds the state lock, which the default plan fails on', async () => {
    const dir = workdir('locked', { resource: { terraform_data: { marker: { input: 'x' } } } });
    await init(dir);
    await apply(dir);
    // `terraform console` holds the state lock while it runs (until its stdin ends); the local backend shows the
    // lock as a file beside the state
    const holder = spawn('terraform', ['console'], { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] });
    const closed = once(holder, 'close');
    try {
      const lockFile = path.join(dir, '.terraform.tfstate.lock.info');
      const deadline = Date.now() + 30_000;
      while (!existsSync(lockFile)) {
        if (Date.now() > deadline || holder.exitCode !== null) throw new Error('terraform console did not take the state lock');
        await sleep(100);
      }
      const locked = await plan(dir, { detailedExitcode: true });
      expect([locked.code, locked.stderr]).toEqual([1, expect.stringContaining('Error acquiring the state lock')]);
      expect((await plan(dir, { detailedExitcode: true, lock: false })).code).toBe(0);
    } finally {
      holder.stdin.end();
      await closed;
    }
  });

  test('a failing apply throws with the diagnostics', async () => {
    const dir = workdir('apply-fails', { resource: { terraform_data: { bad: { input: '${file("missing.txt")}' } } } });
    await init(dir);
    await expect(apply(dir)).rejects.toThrow(/terraform apply failed in .*missing\.txt/s);
  });
});
