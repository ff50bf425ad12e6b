/** Atomflow's mark: three atoms of a flow, linked. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
      <defs>
        <linearGradient id="logo-fill" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#7c9cff" />
          <stop offset="1" stopColor="#4fd1c5" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill="url(#logo-fill)" />
      <path
        d="M10 11.5 16 20.5M22 11.5 16 20.5M10 10h12"
        stroke="#0d1117"
        strokeWidth="2"
        strokeLinecap="round"
      />
      <circle cx="10" cy="10" r="3.2" fill="#0d1117" />
      <circle cx="22" cy="10" r="3.2" fill="#0d1117" />
      <circle cx="16" cy="22" r="3.2" fill="#0d1117" />
    </svg>
  );
}
