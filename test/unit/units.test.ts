import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatCpus,
  formatMemory,
  implausibleMemory,
  parseCpus,
  parseDuration,
  parseMemory,
  parsePortRanges,
  type QuantityResult,
} from '../../server/engine/spec/units';

function value(result: QuantityResult): number {
  assert.equal(result.kind, 'ok', result.kind === 'error' ? result.message : '');
  return result.kind === 'ok' ? result.value : NaN;
}

function message(result: { kind: 'ok' } | { kind: 'error'; message: string }): string {
  assert.equal(result.kind, 'error', 'expected an error');
  return result.kind === 'error' ? result.message : '';
}

describe('parseCpus', () => {
  it('converts cores to integer millicpus', () => {
    assert.equal(value(parseCpus(1)), 1000);
    assert.equal(value(parseCpus(1.5)), 1500);
    assert.equal(value(parseCpus(0.01)), 10);
    assert.equal(value(parseCpus(0.001 * 333)), 333);
    assert.equal(value(parseCpus(1.001)), 1001);
    assert.equal(value(parseCpus(64)), 64000);
  });
  it('rejects values below 0.01, including zero and negatives', () => {
    assert.match(message(parseCpus(0.005)), /at least 0\.01/);
    assert.match(message(parseCpus(0)), /at least 0\.01/);
    assert.match(message(parseCpus(-1)), /at least 0\.01, not -1/);
  });
  it('rejects precision finer than a millicpu', () => {
    assert.equal(message(parseCpus(0.0005)), '0.0005 is below millicpu precision (0.001)');
    assert.match(message(parseCpus(1.0005)), /millicpu precision/);
  });
  it('rejects non-finite numbers', () => {
    assert.match(message(parseCpus(Number.NaN)), /finite/);
    assert.match(message(parseCpus(Number.POSITIVE_INFINITY)), /finite/);
  });
  it('rejects non-numbers, with a hint for Kubernetes millicpus', () => {
    assert.equal(message(parseCpus('500m')), 'a number of cores: write 0.5, not "500m"');
    assert.match(message(parseCpus('2')), /must be a number of cores.*not "2"/);
    assert.match(message(parseCpus(undefined)), /not nothing/);
    assert.match(message(parseCpus(null)), /not nothing/);
    assert.match(message(parseCpus(true)), /not true/);
    assert.match(message(parseCpus([1])), /not a list/);
    assert.match(message(parseCpus({ n: 1 })), /not a mapping/);
  });
});

describe('parseMemory', () => {
  it('reads a plain integer as MiB', () => {
    assert.equal(value(parseMemory(512)), 512);
    assert.equal(value(parseMemory(0)), 0);
  });
  it('reads a digit string as MiB', () => {
    assert.equal(value(parseMemory('512')), 512);
    assert.equal(value(parseMemory(' 64 ')), 64);
  });
  it('reads binary units exactly', () => {
    assert.equal(value(parseMemory('512Mi')), 512);
    assert.equal(value(parseMemory('4Gi')), 4096);
    assert.equal(value(parseMemory('1Ti')), 1048576);
    assert.equal(value(parseMemory('1024Ki')), 1);
    assert.equal(value(parseMemory('1.5Gi')), 1536);
    assert.equal(value(parseMemory('0.1Gi')), 103);
  });
  it('reads decimal units and rounds up to whole MiB', () => {
    assert.equal(value(parseMemory('4G')), 3815); // 4e9 bytes = 3814.7 MiB
    assert.equal(value(parseMemory('500M')), 477); // 476.8 MiB
    assert.equal(value(parseMemory('1T')), 953675); // 953674.3 MiB
    assert.equal(value(parseMemory('2048k')), 2); // 1.95 MiB
    assert.equal(value(parseMemory('1048576K')), 1000); // 1.048576e9 bytes = 1000 MiB exactly
    assert.equal(value(parseMemory('1K')), 1);
  });
  it('names an unknown unit', () => {
    assert.equal(message(parseMemory('4Q')), 'unknown unit "Q" (use Mi, Gi, Ti, M, G or T)');
    assert.match(message(parseMemory('4g')), /unknown unit "g"/);
  });
  it('rejects text that is not a quantity', () => {
    assert.equal(message(parseMemory('lots')), 'not a quantity: "lots"');
    assert.match(message(parseMemory('')), /not a quantity: ""/);
    assert.match(message(parseMemory('4 Gi')), /not a quantity/);
    assert.match(message(parseMemory('1e3')), /not a quantity: "1e3"/);
    assert.match(message(parseMemory(true)), /not a quantity: true/);
    assert.match(message(parseMemory(null)), /not a quantity: nothing/);
    assert.match(message(parseMemory(Number.NaN)), /not a quantity: NaN/);
    assert.match(message(parseMemory(Number.POSITIVE_INFINITY)), /not a quantity: Infinity/);
  });
  it('a unit spelled as other tools spell it: an error whose fix is Berth\'s spelling', () => {
    const fixOf = (r: QuantityResult): string | undefined => (r.kind === 'error' ? r.fix : undefined);
    assert.equal(message(parseMemory('4GB')), 'unknown unit "GB"; did you mean "4G"?');
    assert.equal(fixOf(parseMemory('4GB')), '4G');
    assert.equal(fixOf(parseMemory('4GiB')), '4Gi');
    assert.equal(fixOf(parseMemory('512mi')), '512Mi');
    assert.equal(fixOf(parseMemory('4g')), '4Gi', 'as docker run --memory 4g');
    assert.equal(fixOf(parseMemory('512m')), '512Mi');
    assert.equal(fixOf(parseMemory('8 GiB')), '8Gi');
    assert.equal(fixOf(parseMemory('1.5 G')), '1.5G');
    assert.equal(fixOf(parseMemory('4Q')), undefined);
    assert.equal(fixOf(parseMemory('lots')), undefined);
  });
  it('a unit that is the name of an object property is unknown, not NaN MiB', () => {
    for (const v of ['4constructor', '1toString', '3hasOwnProperty', '5valueOf']) assert.match(message(parseMemory(v)), /unknown unit/, v);
  });
  it('rejects negative sizes', () => {
    assert.match(message(parseMemory(-5)), /negative: -5/);
    assert.match(message(parseMemory('-1Gi')), /negative: "-1Gi"/);
  });
  it('rejects fractional plain MiB, suggesting a unit', () => {
    assert.match(message(parseMemory(1.5)), /not whole.*"1\.5Gi"/);
    assert.match(message(parseMemory('1.5')), /not whole.*"1\.5Gi"/);
  });
});

describe('formatMemory', () => {
  it('uses the largest binary unit that is exact within two decimals', () => {
    assert.equal(formatMemory(4096), '4Gi');
    assert.equal(formatMemory(1536), '1.5Gi');
    assert.equal(formatMemory(1280), '1.25Gi');
    assert.equal(formatMemory(512), '512Mi');
    assert.equal(formatMemory(1100), '1100Mi');
    assert.equal(formatMemory(1024), '1Gi');
    assert.equal(formatMemory(1048576), '1Ti');
    assert.equal(formatMemory(1572864), '1.5Ti');
    assert.equal(formatMemory(1048577), '1048577Mi');
    assert.equal(formatMemory(2 * 1048576 + 1024), '2049Gi');
  });
  it('handles zero, negatives and fractions', () => {
    assert.equal(formatMemory(0), '0');
    assert.equal(formatMemory(-2048), '-2Gi');
    assert.equal(formatMemory(0.125), '0.13Mi');
  });
  it('round-trips through parseMemory', () => {
    for (const mib of [1, 512, 1024, 1536, 3815, 4096, 1048576, 1572864]) {
      assert.equal(value(parseMemory(formatMemory(mib))), mib);
    }
  });
});

describe('formatCpus', () => {
  it('prints cores without trailing zeros', () => {
    assert.equal(formatCpus(1500), '1.5');
    assert.equal(formatCpus(2000), '2');
    assert.equal(formatCpus(10), '0.01');
    assert.equal(formatCpus(1), '0.001');
    assert.equal(formatCpus(0), '0');
    assert.equal(formatCpus(1234.4), '1.234');
  });
});

describe('parsePortRanges', () => {
  it('reads a range, a single port string and a number', () => {
    assert.deepEqual(parsePortRanges('31000-31099'), { kind: 'ok', value: [{ from: 31000, to: 31099 }] });
    assert.deepEqual(parsePortRanges(' 31000 - 31099 '), { kind: 'ok', value: [{ from: 31000, to: 31099 }] });
    assert.deepEqual(parsePortRanges('8080'), { kind: 'ok', value: [{ from: 8080, to: 8080 }] });
    assert.deepEqual(parsePortRanges(8080), { kind: 'ok', value: [{ from: 8080, to: 8080 }] });
    assert.deepEqual(parsePortRanges('1-65535'), { kind: 'ok', value: [{ from: 1, to: 65535 }] });
  });
  it('reads an array in order, without merging', () => {
    assert.deepEqual(parsePortRanges([8080, '5432', '31000-31099', '31050-31060']), {
      kind: 'ok',
      value: [
        { from: 8080, to: 8080 },
        { from: 5432, to: 5432 },
        { from: 31000, to: 31099 },
        { from: 31050, to: 31060 },
      ],
    });
    assert.deepEqual(parsePortRanges([]), { kind: 'ok', value: [] });
  });
  it('rejects ports outside 1..65535', () => {
    assert.equal(message(parsePortRanges(0)), 'port 0 is outside 1..65535');
    assert.equal(message(parsePortRanges('65000-70000')), 'port 70000 is outside 1..65535');
    assert.equal(message(parsePortRanges('0-10')), 'port 0 is outside 1..65535');
  });
  it('rejects reversed ranges', () => {
    assert.equal(message(parsePortRanges('31099-31000')), 'port range "31099-31000" is reversed: write "31000-31099"');
  });
  it('rejects what is not a port', () => {
    assert.match(message(parsePortRanges(80.5)), /whole number, not 80\.5/);
    assert.match(message(parsePortRanges('http')), /not a port or port range: "http"/);
    assert.match(message(parsePortRanges('1-2-3')), /not a port or port range/);
    assert.match(message(parsePortRanges(true)), /not a port or port range: true/);
    assert.match(message(parsePortRanges(undefined)), /not a port or port range: nothing/);
    assert.match(message(parsePortRanges({ from: 1 })), /a mapping/);
  });
  it('reports the first bad item of an array', () => {
    assert.match(message(parsePortRanges(['31000-31099', [8080], 'x'])), /not a port or port range: a list/);
    assert.match(message(parsePortRanges([8080, 99999])), /port 99999 is outside/);
  });
});

describe('parseDuration', () => {
  it('converts to milliseconds', () => {
    assert.equal(value(parseDuration('500ms')), 500);
    assert.equal(value(parseDuration('5s')), 5000);
    assert.equal(value(parseDuration('1m')), 60_000);
    assert.equal(value(parseDuration('1h')), 3_600_000);
    assert.equal(value(parseDuration('0s')), 0);
  });
  it('asks for a unit on a bare number', () => {
    assert.equal(message(parseDuration(5)), 'a duration needs a unit: write "5s" or "5ms"');
  });
  it('rejects other text and types', () => {
    assert.match(message(parseDuration('5 sec')), /not a duration: "5 sec"/);
    assert.match(message(parseDuration('5d')), /not a duration/);
    assert.match(message(parseDuration('1.5s')), /not a duration/);
    assert.match(message(parseDuration('-5s')), /not a duration/);
    assert.match(message(parseDuration('')), /not a duration: ""/);
    assert.match(message(parseDuration(null)), /not a duration: nothing/);
  });
});

describe('implausibleMemory', () => {
  it('suggests Gi for a plain number of 1..63 MiB', () => {
    assert.equal(implausibleMemory(4, 4), '4Gi');
    assert.equal(implausibleMemory(1, 1), '1Gi');
    assert.equal(implausibleMemory(63, 63), '63Gi');
    assert.equal(implausibleMemory(8, '8'), '8Gi');
  });
  it('accepts plausible sizes and explicit units', () => {
    assert.equal(implausibleMemory(64, 64), undefined);
    assert.equal(implausibleMemory(0, 0), undefined);
    assert.equal(implausibleMemory(512, 512), undefined);
    assert.equal(implausibleMemory(4, '4Mi'), undefined);
    assert.equal(implausibleMemory(1, '1024Ki'), undefined);
    assert.equal(implausibleMemory(4, undefined), undefined);
    assert.equal(implausibleMemory(4.5, 4.5), undefined);
  });
});
