/** The columns of the generated sample's files, in file order (signups, then posts), for the references. */
export const ROLES = {
  signups: [
    { user: 'user_id', time: 'signup_at' }, // signups_app.csv
    { user: 'User ID', time: 'Sign-up Time' }, // signups_web.csv
  ],
  posts: [
    { user: 'author_id', time: 'created_ms', category: 'topic', epochMs: true }, // posts_mobile.csv
    { user: 'uid', time: 'Timestamp (UTC)', category: 'Category' }, // posts_web.csv
  ],
};
