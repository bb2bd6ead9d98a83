import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
var r=class extends Error{name="UserError"},e=class extends r{constructor(n,t){super(`Input '${n}': ${t}`);this.input=n}input;name="InputError"};export{r as a,e as b};
