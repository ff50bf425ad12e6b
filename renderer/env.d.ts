// Stylesheets are imported for their side effect; vite bundles them into one file.
declare module '*.css';
