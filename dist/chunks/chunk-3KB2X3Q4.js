import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
var n=class extends Error{name="UserError"},t=class extends n{constructor(s,o){super(`Input '${s}': ${o}`);this.input=s}input;name="InputError"};function i(r,e){return e===void 0?`\`${r}\``:`\`${r}: ${e}\``}export{n as a,t as b,i as c};
