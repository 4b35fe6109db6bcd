// time.strftime for strftime_now, in the local time zone as Python uses it.

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function strftime(d: Date, fmt: string): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const start = new Date(d.getFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - start.getTime() + (start.getTimezoneOffset() - d.getTimezoneOffset()) * 60000) / 86400000) + 1;
  return fmt.replace(/%(-?)([a-zA-Z%])/g, (m, noPad: string, c: string) => {
    const num = (n: number, w = 2): string => (noPad ? String(n) : String(n).padStart(w, '0'));
    switch (c) {
      case 'Y':
        return String(d.getFullYear());
      case 'y':
        return p2(d.getFullYear() % 100);
      case 'm':
        return num(d.getMonth() + 1);
      case 'd':
        return num(d.getDate());
      case 'e':
        return String(d.getDate()).padStart(2, ' ');
      case 'H':
        return num(d.getHours());
      case 'I':
        return num(d.getHours() % 12 || 12);
      case 'M':
        return num(d.getMinutes());
      case 'S':
        return num(d.getSeconds());
      case 'p':
        return d.getHours() < 12 ? 'AM' : 'PM';
      case 'j':
        return num(yday, 3);
      case 'a':
        return DAYS[d.getDay()]!.slice(0, 3);
      case 'A':
        return DAYS[d.getDay()]!;
      case 'b':
      case 'h':
        return MONTHS[d.getMonth()]!.slice(0, 3);
      case 'B':
        return MONTHS[d.getMonth()]!;
      case 'w':
        return String(d.getDay());
      case '%':
        return '%';
      default:
        return m;
    }
  });
}
