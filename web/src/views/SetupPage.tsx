export { SetupPage } from './SignInPage';
