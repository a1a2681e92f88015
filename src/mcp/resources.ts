/** Runbooks as resources: each valid runbook of the folder (and the shipped ones behind it) as its YAML. */
import { readFileSync } from 'node:fs';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { findRunbook } from '../adapters/fs/runbook-catalog.js';
import { loadRunbookCatalogue } from '../adapters/fs/runbook-catalogue.js';
import { runbookSummaries } from '../adapters/fs/runbook-summaries.js';
import { GcIncidentError } from '../core/errors.js';
import type { McpDeps } from './deps.js';

export const RUNBOOK_URI = 'gc-incident://runbooks/{id}';

export function registerRunbookResources(server: McpServer, deps: McpDeps): void {
  server.registerResource(
    'runbook',
    new ResourceTemplate(RUNBOOK_URI, {
      list: () => ({
        resources: runbookSummaries(loadRunbookCatalogue(deps.config.runbooksDir, deps.validation)).map(
          (r) => ({
            uri: `gc-incident://runbooks/${r.id}`,
            name: r.id,
            title: r.title,
            description: `${r.severity} runbook, ${r.shipped ? 'shipped with gc-incident' : `from ${deps.config.runbooksDir}`}`,
            mimeType: 'application/yaml',
          }),
        ),
      }),
    }),
    {
      title: 'Runbooks',
      description: 'The YAML of each runbook an incident can be opened from',
      mimeType: 'application/yaml',
    },
    (uri, variables) => {
      const id = String(variables.id ?? '');
      if (!/^[a-z0-9][a-z0-9-]{0,99}$/.test(id))
        throw new GcIncidentError('RUNBOOK_NOT_FOUND', `'${id.slice(0, 60)}' is not a runbook id`);
      const { file } = findRunbook(id, deps.config.runbooksDir, deps.validation);
      return {
        contents: [{ uri: uri.href, mimeType: 'application/yaml', text: readFileSync(file, 'utf8') }],
      };
    },
  );
}
