import { Controller } from "quickrail";

export default class ApplicationController extends Controller {}
