/** Connection failures name the address that failed, not the default endpoint; host cores are asked once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { hostCpus, wrap } from '../../../client/cluster/docker';

function connectionError(code: string, address: string, port?: number): Error {
  return Object.assign(new Error(`connect ${code} ${address}${port === undefined ? '' : `:${port}`}`), { code, errno: -111, syscall: 'connect', address, ...(port === undefined ? {} : { port }) });
}

test('a refused unix socket is named as the endpoint, with what to do', () => {
  const e = wrap('listing containers', connectionError('ECONNREFUSED', '/run/user/1000/docker.sock'));
  assert.equal(e.code, 'docker/unreachable');
  assert.match(e.message, /at unix:\/\/\/run\/user\/1000\/docker\.sock /);
  assert.match(e.message, /berth\.docker\.host/);
});

test('a refused TCP endpoint is named with its port', () => {
  const e = wrap('listing containers', connectionError('ECONNREFUSED', '127.0.0.1', 2375));
  assert.match(e.message, /at tcp:\/\/127\.0\.0\.1:2375 /);
});

test('other Docker failures stay failures of the call', () => {
  const e = wrap('starting node1', Object.assign(new Error('conflict'), { statusCode: 409 }));
  assert.equal(e.code, 'docker/failed');
  assert.match(e.message, /^starting node1: /);
});

test('host cores are asked of the engine once per client, and a failed answer is asked again', async () => {
  let calls = 0;
  let fail = true;
  const docker = {
    info: () => {
      calls++;
      return fail ? Promise.reject(new Error('engine busy')) : Promise.resolve({ NCPU: 6 });
    },
  } as unknown as Docker;
  await assert.rejects(hostCpus(docker), /engine busy/);
  fail = false;
  assert.equal(await hostCpus(docker), 6);
  assert.equal(await hostCpus(docker), 6);
  assert.equal(calls, 2);
});
