import { Controller } from "quickrail"; let $t; export default class ApplicationController extends Controller {
 }
