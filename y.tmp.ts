import { readFileSync } from 'node:fs';
import { createSchemaValidator } from './src/core/schema-validator.js';
const rb = JSON.parse(readFileSync('schemas/runbook.schema.json','utf8'));
const wl = JSON.parse(readFileSync('schemas/workload.schema.json','utf8'));
const v = createSchemaValidator([rb, wl]);
for (const d of v.validate('https://gc-incident.dev/schemas/runbook.schema.json', {apiVersion:'x', metadata: {pythonVersions: [3.1]}, inputs: [{name:'a', description:'d', type:'string', sources:['alert-label']}], triage:{steps:[{kind:'query', id:'a', title:'t', guidance:'g'},{kind:'nope'}, {kind:'link', id:'b', title:'t', guidance:'g', url:'http://x', foo: 1}, {kind: 'simulate', id:'s', title:'t', guidance:'g', workload:{inline:{python:'3.12', iterations: 1, each_iteration:[{keep:1, temp:2}]}}}]}, containment:{actions:[{id:'a',title:'t',kind:'http',category:'mitigation',strategy:'other',risk:'high',effect:'e',guidance:'g', confirmation: {required: false}}]}}, 'f', {at:()=>({line:1,col:1}), scalarStart:()=>undefined})) console.log(d.rule, d.message);
