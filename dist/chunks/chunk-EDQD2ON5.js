import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
function _(e){return Object.fromEntries(Object.entries(e).filter(([t])=>!E.test(t)))}var E=/^((GA_)?INPUT_|ACTIONS_ID_TOKEN_REQUEST_|GA_ID_TOKEN$|GITLAB_OIDC_TOKEN$)/;export{_ as a};
