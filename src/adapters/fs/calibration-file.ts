/** The pause-cost profile `gc-incident calibrate` wrote (CALIBRATION_FILE), for every surface that simulates. */
import { readFileSync } from 'node:fs';
import { GcIncidentError } from '../../core/errors.js';
import type { CalibrationProfile } from '../../core/simulator/cost-model.js';

export function loadCalibration(file: string | undefined): CalibrationProfile | undefined {
  if (!file) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CalibrationProfile;
    if (typeof parsed.source !== 'string' || typeof parsed.versions !== 'object')
      throw new Error('not a profile');
    return parsed;
  } catch (error) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `calibration file ${file} is not a profile written by 'gc-incident calibrate' (${(error as Error).message})`,
      { file },
    );
  }
}
